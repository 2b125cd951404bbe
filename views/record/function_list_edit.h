#pragma once
// A line of function names or globs ("vfs_read do_sys_*"), each word completed from the
// kernel's available_filter_functions once they are loaded (setFunctions).
#include <QLineEdit>
#include <QStringList>
#include <vector>

class QCompleter;
class QStringListModel;

namespace kestrel {

class FunctionListEdit : public QLineEdit {
    Q_OBJECT
public:
    explicit FunctionListEdit(QWidget* parent = nullptr);

    void setFunctions(QStringListModel* sortedNames);  // shared, sorted model
    std::vector<std::string> values() const;
    void setValues(const std::vector<std::string>& values);
    QCompleter* wordCompleter() const { return m_completer; }

private:
    void completeLastWord();
    void insertCompletion(const QString& name);

    QCompleter* m_completer = nullptr;
};

}  // namespace kestrel
